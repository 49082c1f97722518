SITEGEN_SEARCH_CHUNK("w/73-79",{"synthesis":"0.2.1","systematic":"3"});
