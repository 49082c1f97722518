SITEGEN_SEARCH_CHUNK("w/61-64",{"adapts":"0"});
