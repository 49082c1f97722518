SITEGEN_SEARCH_CHUNK("w/71-75",{"quality":"3","question":"2","quokka":"3"});
