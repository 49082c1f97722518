SITEGEN_SEARCH_CHUNK("w/66-72",{"from":"3","frozen":"0"});
