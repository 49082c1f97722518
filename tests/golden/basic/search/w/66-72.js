SITEGEN_SEARCH_CHUNK("w/66-72",{"from":"0","frozen":"3"});
