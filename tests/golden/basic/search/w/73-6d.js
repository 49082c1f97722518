SITEGEN_SEARCH_CHUNK("w/73-6d",{"small":"3"});
