SITEGEN_SEARCH_CHUNK("w/63-72",{"cross":"0.3","crosslingual":"0.3"});
