SITEGEN_SEARCH_CHUNK("w/67-61",{"gate":"3","gave":"0"});
