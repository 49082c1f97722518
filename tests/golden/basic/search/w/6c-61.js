SITEGEN_SEARCH_CHUNK("w/6c-61",{"language":"3","languages":"0.2.1","latin":"3"});
