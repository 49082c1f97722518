SITEGEN_SEARCH_CHUNK("w/7a-65",{"zero":"0.1","zeroshot":"0.1"});
