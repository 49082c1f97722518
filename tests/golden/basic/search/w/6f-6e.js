SITEGEN_SEARCH_CHUNK("w/6f-6e",{"one":"3"});
