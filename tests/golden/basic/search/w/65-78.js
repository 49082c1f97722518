SITEGEN_SEARCH_CHUNK("w/65-78",{"examines":"0","example":"0","existing":"0","expected":"0","extension":"0","extracted":"0"});
