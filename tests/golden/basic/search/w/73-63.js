SITEGEN_SEARCH_CHUNK("w/73-63",{"score":"0","script":"3"});
