SITEGEN_SEARCH_CHUNK("w/63-75",{"current":"0"});
