SITEGEN_SEARCH_CHUNK("w/63-6c",{"claims":"0","clarity":"1"});
