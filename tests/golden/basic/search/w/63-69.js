SITEGEN_SEARCH_CHUNK("w/63-69",{"cited":"0.3"});
