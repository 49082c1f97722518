SITEGEN_SEARCH_CHUNK("w/73-6f",{"source":"0","sources":"3"});
