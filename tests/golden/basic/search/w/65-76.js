SITEGEN_SEARCH_CHUNK("w/65-76",{"evidence":"2"});
