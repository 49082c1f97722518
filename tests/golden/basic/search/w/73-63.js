SITEGEN_SEARCH_CHUNK("w/73-63",{"score":"3","script":"0"});
