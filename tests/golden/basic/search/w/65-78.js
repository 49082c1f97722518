SITEGEN_SEARCH_CHUNK("w/65-78",{"examines":"3","example":"3","existing":"3","expected":"3","extension":"3","extracted":"3"});
