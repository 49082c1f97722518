SITEGEN_SEARCH_CHUNK("w/66-75",{"full":"0"});
