SITEGEN_SEARCH_CHUNK("w/6f-66",{"of":"0.3"});
