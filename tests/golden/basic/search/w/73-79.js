SITEGEN_SEARCH_CHUNK("w/73-79",{"synthesis":"0.1.2","systematic":"0"});
