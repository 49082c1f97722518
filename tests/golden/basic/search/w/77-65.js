SITEGEN_SEARCH_CHUNK("w/77-65",{"were":"3"});
