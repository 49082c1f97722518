SITEGEN_SEARCH_CHUNK("w/6e-6f",{"no":"1.2","not":"0.3"});
