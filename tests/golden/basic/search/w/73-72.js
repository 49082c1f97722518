SITEGEN_SEARCH_CHUNK("w/73-72",{"srch":"0.1.1.1"});
