SITEGEN_SEARCH_CHUNK("w/77-69",{"with":"0.3"});
