SITEGEN_SEARCH_CHUNK("w/61-62",{"about":"3"});
