SITEGEN_SEARCH_CHUNK("w/73-61",{"sandbox":"0.1.1.1"});
