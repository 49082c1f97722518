SITEGEN_SEARCH_CHUNK("w/75-6e",{"under":"2"});
