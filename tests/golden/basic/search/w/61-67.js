SITEGEN_SEARCH_CHUNK("w/61-67",{"against":"3","agglutinative":"3"});
