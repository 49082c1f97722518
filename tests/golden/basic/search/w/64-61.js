SITEGEN_SEARCH_CHUNK("w/64-61",{"databases":"3"});
