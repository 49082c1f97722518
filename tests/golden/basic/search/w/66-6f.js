SITEGEN_SEARCH_CHUNK("w/66-6f",{"for":"0.1.1.1","formal":"1","formula":"3"});
