SITEGEN_SEARCH_CHUNK("w/76-6f",{"vocabulary":"3"});
