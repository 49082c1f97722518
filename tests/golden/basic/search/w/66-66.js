SITEGEN_SEARCH_CHUNK("w/66-66",{"ffee":"3"});
