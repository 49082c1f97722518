SITEGEN_SEARCH_CHUNK("w/67-61",{"gate":"0","gave":"3"});
