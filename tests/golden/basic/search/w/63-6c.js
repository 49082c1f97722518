SITEGEN_SEARCH_CHUNK("w/63-6c",{"claims":"3","clarity":"2"});
