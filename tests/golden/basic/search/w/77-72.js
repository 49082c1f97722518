SITEGEN_SEARCH_CHUNK("w/77-72",{"written":"3"});
