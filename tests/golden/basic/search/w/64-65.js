SITEGEN_SEARCH_CHUNK("w/64-65",{"deadbeef":"0"});
