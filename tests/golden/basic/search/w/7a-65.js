SITEGEN_SEARCH_CHUNK("w/7a-65",{"zero":"2.1","zeroshot":"2.1"});
