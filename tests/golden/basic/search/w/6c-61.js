SITEGEN_SEARCH_CHUNK("w/6c-61",{"language":"0","languages":"0.1.2","latin":"0"});
