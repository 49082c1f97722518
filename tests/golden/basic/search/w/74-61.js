SITEGEN_SEARCH_CHUNK("w/74-61",{"target":"3"});
