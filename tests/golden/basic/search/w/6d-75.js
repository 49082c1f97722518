SITEGEN_SEARCH_CHUNK("w/6d-75",{"multilingual":"0.3","multiple":"3"});
