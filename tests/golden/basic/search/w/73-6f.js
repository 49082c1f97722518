SITEGEN_SEARCH_CHUNK("w/73-6f",{"source":"3","sources":"0"});
