SITEGEN_SEARCH_CHUNK("w/69-6e",{"in":"0.3","into":"3","introduction":"3"});
