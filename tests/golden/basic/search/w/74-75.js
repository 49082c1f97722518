SITEGEN_SEARCH_CHUNK("w/74-75",{"tuning":"0.3"});
