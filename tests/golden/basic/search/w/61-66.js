SITEGEN_SEARCH_CHUNK("w/61-66",{"affects":"3"});
