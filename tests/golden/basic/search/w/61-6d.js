SITEGEN_SEARCH_CHUNK("w/61-6d",{"ampersand":"3"});
