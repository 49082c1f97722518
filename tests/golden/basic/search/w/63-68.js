SITEGEN_SEARCH_CHUNK("w/63-68",{"character":"0","characterlevel":"0"});
