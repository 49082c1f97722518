SITEGEN_SEARCH_CHUNK("w/67-75",{"guide":"3"});
