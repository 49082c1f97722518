SITEGEN_SEARCH_CHUNK("w/61-67",{"against":"0","agglutinative":"0"});
