SITEGEN_SEARCH_CHUNK("w/68-65",{"helps":"3"});
