SITEGEN_SEARCH_CHUNK("w/61-74",{"attempted":"1"});
