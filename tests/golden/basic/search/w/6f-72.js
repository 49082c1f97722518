SITEGEN_SEARCH_CHUNK("w/6f-72",{"or":"1"});
