SITEGEN_SEARCH_CHUNK("w/71-75",{"quality":"0","question":"1","quokka":"0"});
