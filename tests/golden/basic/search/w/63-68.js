SITEGEN_SEARCH_CHUNK("w/63-68",{"character":"3","characterlevel":"3"});
